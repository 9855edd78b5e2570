// What a form of a page shows when the API refuses it (the complaint actions have their own, in
// Actions.tsx): the status and the API's message — a 400 names the field, a 409 says why the state
// does not allow it — and, beside a field of the form, the message the API gave for that field.
import { ApiError } from '../api';

export interface Problem {
  /** `400 · topics.0.analysis: …`, or the message of an error that is not the API's. */
  summary: string;
  /** field path as the API names it (e.g. `topics.0.analysis`, `note`) → message */
  fields: Record<string, string>;
}

export function problemOf(err: unknown): Problem {
  if (err instanceof ApiError) return { summary: `${err.status} · ${err.message}`, fields: err.fields };
  return { summary: err instanceof Error ? err.message : String(err), fields: {} };
}

export function FormError({ problem }: { problem?: Problem }) {
  if (!problem) return null;
  return (
    <p className="error" role="alert" data-testid="form-error">
      {problem.summary}
    </p>
  );
}

/** The API's message for one field (or any field below it, e.g. `measures.0` for `measures`). */
export function FieldError({ problem, name }: { problem?: Problem; name: string }) {
  const message =
    problem &&
    Object.entries(problem.fields)
      .filter(([field]) => field === name || field.startsWith(`${name}.`))
      .map(([, m]) => m)
      .join('; ');
  if (!message) return null;
  return (
    <small className="field-error" role="alert" data-testid={`error-${name}`}>
      {message}
    </small>
  );
}
