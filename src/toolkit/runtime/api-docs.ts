import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

/** Where each HTTP port serves the service's OpenAPI document and its docs page. @publicApi */
export const API_DOCS_PATHS = {
  document: '/openapi.json',
  page: '/docs',
} as const;

/** Swagger UI's files, served from the installed `swagger-ui-dist` package (no CDN). */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

// No external call from the page: the document is this service's, the online validator badge is off.
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(API_DOCS_PATHS.document)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
  });
};
`;

function page(title: string): string {
  const escaped = title.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
  const base = API_DOCS_PATHS.page;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escaped}</title>
    <link rel="stylesheet" href="${base}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${base}/favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${base}/swagger-ui-bundle.js"></script>
    <script src="${base}/swagger-initializer.js"></script>
  </body>
</html>
`;
}

/**
 * `/openapi.json` and the Swagger UI page `/docs` as plain Fastify routes: like the probes, outside
 * Nest's guards, so a gateway's global `auth` or `rate_limit` does not hide its own API description.
 * @internal
 */
export function installApiDocs(
  fastify: FastifyInstance,
  document: Readonly<Record<string, unknown>>,
): void {
  const info = document.info as { title?: unknown } | undefined;
  const html = page(`${typeof info?.title === 'string' ? info.title : 'API'} - API docs`);
  const assetDir = dirname(require.resolve('swagger-ui-dist/swagger-ui-bundle.js'));
  fastify.get(API_DOCS_PATHS.document, async (_request, reply) => {
    reply.type('application/json; charset=utf-8');
    return document;
  });
  fastify.get(API_DOCS_PATHS.page, async (_request, reply) => {
    reply.type('text/html; charset=utf-8');
    return html;
  });
  fastify.get(`${API_DOCS_PATHS.page}/swagger-initializer.js`, async (_request, reply) => {
    reply.type('application/javascript; charset=utf-8');
    return INITIALIZER;
  });
  for (const [file, type] of Object.entries(ASSETS)) {
    fastify.get(`${API_DOCS_PATHS.page}/${file}`, async (_request, reply) => {
      reply.type(type).header('cache-control', 'public, max-age=86400');
      return reply.send(createReadStream(join(assetDir, file)));
    });
  }
}
