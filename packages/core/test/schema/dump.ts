/**
 * @module test/schema/dump
 * A canonical, comparable form of a loaded schema (sorted names, types printed), to check
 * that two ways of loading one schema resolve to the same model.
 */
import { type Schema, typeToString } from '../../src/schema/index.js';

export function dumpSchema(s: Schema): unknown {
  const sorted = (xs: Iterable<string>) => [...xs].sort();
  return {
    entityTypes: sorted(s.entityTypes.keys()).map((name) => {
      const t = s.entityType(name);
      return {
        name,
        memberOfTypes: sorted(t?.memberOfTypes ?? []),
        shape: t === undefined ? undefined : typeToString(t.shape),
        tags: t?.tags === undefined ? undefined : typeToString(t.tags),
        enum: t?.enum === undefined ? undefined : sorted(t.enum),
      };
    }),
    actions: sorted(s.actions.keys()).map((key) => {
      const a = s.actions.get(key);
      return {
        key,
        memberOf: sorted((a?.memberOf ?? []).map((u) => u.key)),
        ancestors: sorted((a?.ancestors ?? []).map((u) => u.key)),
        appliesTo:
          a === undefined
            ? undefined
            : {
                principalTypes: sorted(a.appliesTo.principalTypes),
                resourceTypes: sorted(a.appliesTo.resourceTypes),
                context: typeToString(a.appliesTo.context),
              },
      };
    }),
  };
}
