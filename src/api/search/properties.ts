/**
 * The searchable property names of a resource, as SageMaker's Search accepts them in a Filter's
 * `Name` and in `SortBy`: dotted paths into the SearchRecord (`Source.SourceArn`), with map keys
 * and keyed lists spelled in (`Parameters.lr.NumberValue`, `Metrics.loss.Max`, `Tags.team`).
 * A catalog is declared once per resource from templates in which `{key}` stands for a name the
 * user chose (it may itself contain dots). Every prefix of a template is a property too, naming a
 * subtree: a filter on `InputArtifacts` or `Parameters.lr` matches any value below it.
 */
export type PropertyType = 'text' | 'number' | 'time' | 'mixed';

export interface PropertyTemplate {
  readonly name: string;
  readonly type: Exclude<PropertyType, 'mixed'>;
}

export interface ResolvedProperty {
  /** The name as the user wrote it; also the leaf path (or subtree root) in documents. */
  readonly path: string;
  readonly type: PropertyType;
  readonly subtree: boolean;
  /** The template it matched, e.g. `Metrics.{key}.Max`. */
  readonly template: string;
}

interface CompiledTemplate {
  readonly template: string;
  readonly regex: RegExp;
  readonly type: PropertyType;
  readonly subtree: boolean;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(template: string, type: PropertyType, subtree: boolean): CompiledTemplate {
  const pattern = template
    .split('{key}')
    .map(escapeRegex)
    .join('(.+)');
  return { template, regex: new RegExp(`^${pattern}$`), type, subtree };
}

export class PropertyCatalog {
  private readonly leaves: readonly CompiledTemplate[];
  private readonly subtrees: readonly CompiledTemplate[];
  /** Names without a `{key}`, for suggestions. */
  readonly fixedNames: readonly string[];

  constructor(templates: readonly PropertyTemplate[]) {
    this.leaves = templates.map((t) => compile(t.name, t.type, false));
    const prefixes = new Map<string, PropertyType>();
    for (const t of templates) {
      const parts = t.name.split('.');
      for (let i = 1; i < parts.length; i++) {
        const prefix = parts.slice(0, i).join('.');
        const seen = prefixes.get(prefix);
        prefixes.set(prefix, seen === undefined || seen === t.type ? t.type : 'mixed');
      }
    }
    // Longer prefixes first, so `Parameters.{key}` wins over `Parameters` for `Parameters.lr`.
    this.subtrees = [...prefixes.entries()]
      .sort((a, b) => b[0].length - a[0].length)
      .map(([name, type]) => compile(name, type, true));
    this.fixedNames = [...templates.map((t) => t.name), ...prefixes.keys()].filter((n) => !n.includes('{key}')).sort();
  }

  /** What a property name refers to, or undefined when the resource has no such property. */
  resolve(name: string): ResolvedProperty | undefined {
    for (const list of [this.leaves, this.subtrees]) {
      for (const c of list) {
        if (c.regex.test(name)) return { path: name, type: c.type, subtree: c.subtree, template: c.template };
      }
    }
    return undefined;
  }
}
