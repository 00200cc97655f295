/**
 * Which local command stands in for a container image. The `process` runtime runs jobs as local
 * processes, so an image URI must be mapped to the command its container would run (its
 * entrypoint). Mappings are tried in order; the first whose pattern matches the whole image URI
 * wins. Patterns are globs: `*` matches any run of characters.
 *
 * Built in (after any configured ones): SageMaker's framework images for Python (scikit-learn,
 * PyTorch, TensorFlow, XGBoost, Hugging Face, MXNet, and any image whose name says `python`) run
 * `python3`; images whose name says `node` run `node`. A job then names its script through
 * ContainerEntrypoint/ContainerArguments (processing) or `sagemaker_program` (training script mode).
 */
export interface ImageMapping {
  /** A glob over the whole image URI (`*` = any characters). */
  readonly pattern: string;
  /** The command (and leading arguments) the image runs. */
  readonly command: readonly string[];
}

export const BUILT_IN_IMAGE_MAPPINGS: readonly ImageMapping[] = [
  ...['*sklearn*', '*scikit-learn*', '*pytorch*', '*tensorflow*', '*xgboost*', '*huggingface*', '*mxnet*', '*python*'].map((pattern) => ({
    pattern,
    command: ['python3'],
  })),
  { pattern: '*node*', command: ['node'] },
];

function globRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

export class ImageMap {
  private readonly mappings: readonly { readonly re: RegExp; readonly mapping: ImageMapping }[];

  /** @param configured tried first, in order, before the built-in mappings. */
  constructor(configured: readonly ImageMapping[] = [], builtIn: readonly ImageMapping[] = BUILT_IN_IMAGE_MAPPINGS) {
    this.mappings = [...configured, ...builtIn].map((mapping) => ({ re: globRegExp(mapping.pattern), mapping }));
  }

  /** The command for an image, or undefined when no mapping matches. */
  commandFor(image: string): readonly string[] | undefined {
    return this.mappings.find((m) => m.re.test(image))?.mapping.command;
  }
}

/**
 * Reads mappings from text: a JSON array of `{ "pattern", "command" }` (the `--image-map` file), or
 * `pattern=command words` entries separated by newlines or semicolons.
 */
export function parseImageMappings(text: string): ImageMapping[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed = JSON.parse(trimmed) as unknown;
    if (!Array.isArray(parsed)) throw new Error('An image map must be a JSON array.');
    return parsed.map((entry: unknown, i) => {
      const e = entry as Partial<{ pattern: unknown; command: unknown }>;
      const command = typeof e.command === 'string' ? e.command.split(/\s+/).filter(Boolean) : e.command;
      if (typeof e.pattern !== 'string' || !Array.isArray(command) || command.length === 0 || !command.every((c) => typeof c === 'string')) {
        throw new Error(`Image map entry ${i} needs a "pattern" string and a non-empty "command" (a string or an array of strings).`);
      }
      return { pattern: e.pattern, command: command };
    });
  }
  return trimmed
    .split(/[\n;]/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const eq = line.indexOf('=');
      const command = eq < 0 ? [] : line.slice(eq + 1).trim().split(/\s+/).filter(Boolean);
      if (eq <= 0 || command.length === 0) throw new Error(`Image map entry '${line}' must read pattern=command.`);
      return { pattern: line.slice(0, eq).trim(), command };
    });
}
