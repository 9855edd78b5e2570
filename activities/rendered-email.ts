// The shape of a rendered staff e-mail. Its own module so that templates.ts and the template sets
// it includes (guarantee-templates.ts) both depend on it instead of on each other.
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}
