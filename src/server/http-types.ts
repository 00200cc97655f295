/** A transport-neutral request and response, so the protocol can be tested without sockets. */
export interface HttpRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The query string after `?`, undecoded; absent when there is none. */
  readonly query?: string;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
}

export type RequestHandler = (request: HttpRequest) => Promise<HttpResponse>;
