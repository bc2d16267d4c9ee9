import type { WorkStatus } from '../api/types';

export const STATUS_COLORS: Record<WorkStatus, string> = {
  draft: 'default',
  submitted: 'blue',
  in_review: 'geekblue',
  changes_requested: 'orange',
  rejected: 'red',
  approved: 'green',
  withdrawn: 'default',
  corrected: 'gold',
  revoked: 'red',
};
