// Checks real answers of the API against its own /openapi.json (issue 17): the integration tests'
// HTTP client (./stack.ts ApiClient) runs every answer through this, so a response that the document
// does not describe — an undocumented status, another media type, a body that breaks its schema —
// fails the test that received it, and the document cannot drift from what the API sends.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

interface MediaObject {
  schema?: Record<string, unknown>;
}
interface ResponseObject {
  $ref?: string;
  content?: Record<string, MediaObject>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>>;
  components?: { responses?: Record<string, ResponseObject> };
}

const JSON_MEDIA = /^application\/(?:[\w.+-]+\+)?json$/;

interface Route {
  template: string;
  pattern: RegExp;
  /** Literal characters: the most specific template wins (/reports/{id}.html over /reports/{id}). */
  weight: number;
}

export class OpenApiResponseCheck {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly doc: OpenApiDoc) {
    addFormats(this.ajv);
    this.ajv.addSchema(doc as object, 'openapi.json');
    this.routes = Object.keys(doc.paths).map((template) => ({
      template,
      pattern: new RegExp(
        `^${template
          .split(/\{[^}]+\}/)
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]+')}$`,
      ),
      weight: template.replace(/\{[^}]+\}/g, '').length,
    }));
  }

  static async load(baseUrl: string): Promise<OpenApiResponseCheck> {
    const res = await fetch(`${baseUrl}/openapi.json`);
    if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}`);
    return new OpenApiResponseCheck((await res.json()) as OpenApiDoc);
  }

  /** The documented route of a request path (without its query), if the document has one. */
  routeOf(method: string, url: string): string | undefined {
    const path = url.split('?')[0]!;
    return this.routes
      .filter((r) => r.pattern.test(path) && this.doc.paths[r.template]?.[method.toLowerCase()])
      .sort((a, b) => b.weight - a.weight)[0]?.template;
  }

  /**
   * The problems of one answer against the document; empty when it fits. Routes the document does
   * not list (the console, the signing page, TwiML webhooks) are not checked.
   */
  problemsOf(
    method: string,
    url: string,
    status: number,
    contentType: string | null,
    body: unknown,
  ): string[] {
    const template = this.routeOf(method, url);
    if (!template) return [];
    const operation = this.doc.paths[template]![method.toLowerCase()]!;
    const name = `${method.toUpperCase()} ${template} → ${status}`;
    const documented = operation.responses?.[String(status)] ?? operation.responses?.default;
    if (!documented) return [`${name}: the status is not documented`];
    const response = this.resolve(documented);
    const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const declared = Object.keys(response.content ?? {});
    if (!media || status === 204 || status === 304) {
      return declared.length > 0 && status !== 304 && (body !== '' || media)
        ? [`${name}: documented with a body (${declared.join(', ')}) but none was sent`]
        : [];
    }
    if (declared.length === 0) return [`${name}: documented without a body but ${media} was sent`];
    const match = declared.find((d) => d === media || (d.endsWith('/*') && media.startsWith(d.slice(0, -1))));
    if (!match) return [`${name}: sent ${media}, documented ${declared.join(', ')}`];
    if (!JSON_MEDIA.test(media)) return [];
    const validate = this.validatorOf(`${template} ${method} ${status} ${match}`, response.content![match]!);
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${name}: ${e.instancePath || '(body)'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`,
    );
  }

  private resolve(response: ResponseObject): ResponseObject {
    if (!response.$ref) return response;
    const name = response.$ref.replace('#/components/responses/', '');
    const target = this.doc.components?.responses?.[name];
    if (!target) throw new Error(`unresolved ${response.$ref}`);
    return target;
  }

  private validatorOf(key: string, media: MediaObject): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      // The schema's $refs (#/components/schemas/…) resolve against the document.
      const schema = JSON.parse(
        JSON.stringify(media.schema ?? {}).replace(/"#\/components\//g, '"openapi.json#/components/'),
      ) as object;
      validate = this.ajv.compile(schema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
