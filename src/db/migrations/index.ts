import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_registry_log.js';
import * as m0003 from './0003_fingerprints.js';
import * as m0004 from './0004_queue_indexes.js';
import * as m0005 from './0005_aigc_reports.js';
import * as m0006 from './0006_judicial_keys.js';
import * as m0007 from './0007_certificates.js';
import * as m0008 from './0008_registry_events.js';
import * as m0009 from './0009_queue_search.js';
import * as m0010 from './0010_log_erasures.js';
import * as m0011 from './0011_fingerprint_versions.js';
import * as m0012 from './0012_erased_corrections.js';

/** Every migration, in order. Add new files at the end; never edit a landed one. */
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_registry_log': m0002,
  '0003_fingerprints': m0003,
  '0004_queue_indexes': m0004,
  '0005_aigc_reports': m0005,
  '0006_judicial_keys': m0006,
  '0007_certificates': m0007,
  '0008_registry_events': m0008,
  '0009_queue_search': m0009,
  '0010_log_erasures': m0010,
  '0011_fingerprint_versions': m0011,
  '0012_erased_corrections': m0012,
};
