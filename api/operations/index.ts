// Every documented operation of the API, in the order docs/security.md and /openapi.json list them.
import {
  COMPLAINT_ACTIONS,
  escalateComplaint,
  fileComplaint,
  getComplaint,
  getMajorReportPage,
  getRecording,
  getSignatureImage,
  listComplaints,
} from './complaints';
import type { Operation } from './define';
import { getMe, healthz, livez, readyz, RESOURCE_OPERATIONS as R } from './resources';
import { TMF621_OPERATIONS } from './tmf621';

export { COMPLAINT_ACTIONS, type ComplaintAction } from './complaints';
export type { Operation } from './define';

export const OPERATIONS: readonly Operation[] = [
  healthz,
  livez,
  readyz,
  ...R.infrastructure,
  fileComplaint,
  listComplaints,
  getComplaint,
  getSignatureImage,
  getMajorReportPage,
  getRecording,
  getMe,
  ...COMPLAINT_ACTIONS,
  escalateComplaint,
  ...R.worklists,
  ...R.policies,
  ...R.audit,
  ...R.networkData,
  ...R.reports,
  ...R.guaranteeAreas,
  ...R.guaranteeTests,
  ...R.incidents,
  ...R.vips,
  ...R.privacy,
  ...TMF621_OPERATIONS,
];

/** The operation of an operationId (the console's generated client names calls by it). */
export function operationById(operationId: string): Operation {
  const found = OPERATIONS.find((o) => o.operationId === operationId);
  if (!found) throw new Error(`no operation ${operationId}`);
  return found;
}
