// Failure messages and stack traces travel as an encoded payload, so that the payload codec
// encrypts them too: an error text (e.g. a provider's "the number +86… is invalid") never lands in
// a Temporal history in clear (S3). Loaded by path (DataConverter.failureConverterPath) so that the
// workflow bundle uses the same converter; it must stay free of Node built-ins.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
