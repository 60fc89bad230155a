/**
 * @module test/semantics/cases
 * Every topic of the shared semantic suite, in report order.
 */
import type { CaseGroup } from '../types.js';
import { arithmetic } from './arithmetic.js';
import { attributes } from './attributes.js';
import { comparisons } from './comparisons.js';
import { conditions } from './conditions.js';
import { datetime } from './datetime.js';
import { decimal } from './decimal.js';
import { duration } from './duration.js';
import { equality } from './equality.js';
import { errors } from './errors.js';
import { has } from './has.js';
import { hierarchy } from './hierarchy.js';
import { ipaddr } from './ipaddr.js';
import { jsHazards } from './js-hazards.js';
import { jsonValues } from './json-values.js';
import { like } from './like.js';
import { policyIds } from './policy-ids.js';
import { records } from './records.js';
import { schemaAware } from './schema.js';
import { scopes } from './scopes.js';
import { sets } from './sets.js';
import { syntax } from './syntax.js';
import { tags } from './tags.js';
import { templates } from './templates.js';
import { validation } from './validation.js';

export const ALL_GROUPS: readonly CaseGroup[] = [
  scopes,
  conditions,
  equality,
  comparisons,
  arithmetic,
  hierarchy,
  has,
  attributes,
  like,
  sets,
  records,
  tags,
  ipaddr,
  decimal,
  datetime,
  duration,
  errors,
  templates,
  policyIds,
  jsHazards,
  jsonValues,
  schemaAware,
  validation,
  syntax,
];
