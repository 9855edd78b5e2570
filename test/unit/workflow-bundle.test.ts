// The worker preloads the workflow modules, so every cached workflow shares one copy of them
// (issue 9, memory): they must hold no per-workflow state and their constants must not be writable.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_POLICY_SET } from '../../domain/policy/default-policies';
import { DEFAULT_DIAGNOSIS_RULES } from '../../domain/policy/diagnosis-rules';
import { DEFAULT_LADDER } from '../../domain/policy/escalation';
import { frozen } from '../../domain/policy/frozen';
import { INITIAL_TRACKER } from '../../domain/policy/guarantee';
import { SHARED_WORKFLOW_MODULES, WORKFLOWS_PATH, workflowBundleOptions } from '../../worker/workflow-bundle';

// The bundle holds workflows/ and the shared types and pure policy it imports from domain/.
const repoRoot = path.resolve(path.dirname(WORKFLOWS_PATH), '..');
const workflowModules = ['workflows', 'domain']
  .flatMap((dir) =>
    (readdirSync(path.join(repoRoot, dir), { recursive: true }) as string[]).map((f) => path.join(dir, f)),
  )
  .filter((f) => f.endsWith('.ts'))
  .sort();

// Module-level collections that are only read, or a cache whose entries do not depend on the workflow.
const SHARED_COLLECTIONS_ALLOWED = new Map([
  ['domain/policy/quiet-hours.ts', ['formatters']], // Intl.DateTimeFormat per time zone
  ['domain/policy/on-site.ts', ['DECLINE']], // words; only .has()
  ['domain/policy/customer-answer.ts', ['YES', 'NO']], // words; only .has()
]);
// Module-level global (or sticky) regular expressions keep `lastIndex` between calls; only those used
// with String#replace (which resets it) are allowed.
const SHARED_GLOBAL_REGEXPS_ALLOWED = new Map([['domain/policy/work-order.ts', ['NOT_MEANINGFUL']]]);

describe('#9 shared workflow modules', () => {
  it('#9 the worker bundles the workflows with every workflow module preloaded', () => {
    expect(workflowBundleOptions()).toEqual({
      workflowsPath: WORKFLOWS_PATH,
      preloadModules: [WORKFLOWS_PATH],
      // S3: failures made in workflow code are encoded like the worker's (a prebuilt bundle needs the path).
      failureConverterPath: expect.stringMatching(/failure-converter/),
    });
    expect(SHARED_WORKFLOW_MODULES).toEqual([WORKFLOWS_PATH]);
    expect(workflowModules.length).toBeGreaterThan(30);
  });

  it.each(workflowModules)('#9 %s holds no per-workflow state at module scope', (file) => {
    const source = readFileSync(path.join(repoRoot, file), 'utf8');
    // No mutable binding and no workflow API, clock or randomness while the module loads.
    expect(source).not.toMatch(/^(export )?(let|var) /m);
    expect(source).not.toMatch(
      /^(export )?const \w+(: [^=]+)? = (workflowInfo|patched|deprecatePatch|uuid4|condition|sleep|setHandler)\(/m,
    );
    expect(source).not.toMatch(/^\S.*(Date\.now\(|Math\.random\(|new Date\(\))/m);
    const collections = [
      ...source.matchAll(/^(?:export )?const (\w+)(?:: [^=]+)? = new (?:Map|Set|WeakMap|WeakSet)\b/gm),
    ].map((m) => m[1]);
    const name = file.split(path.sep).join('/');
    expect(collections).toEqual(SHARED_COLLECTIONS_ALLOWED.get(name) ?? []);
    // An empty array or object at module scope is there to be filled: state.
    expect(source).not.toMatch(/^(export )?const \w+(: [^=]+)? = (\[\]|\{\});/m);
    const stateful = [
      ...source.matchAll(/^(?:export )?const (\w+)(?:: [^=]+)? = \/.*\/[a-z]*[gy][a-z]*;/gm),
    ].map((m) => m[1]);
    expect(stateful).toEqual(SHARED_GLOBAL_REGEXPS_ALLOWED.get(name) ?? []);
  });

  it('#9 the shared defaults are frozen all the way down: a workflow cannot change them for the others', () => {
    const write = (f: () => void) => expect(f).toThrow(TypeError);
    write(() => Object.assign(DEFAULT_POLICY_SET as object, { extra: 1 }));
    write(() => DEFAULT_LADDER.push(DEFAULT_LADDER[0]!));
    write(() => Object.assign(DEFAULT_LADDER[0]!, { after: 'PT1M' }));
    write(() => Object.assign(INITIAL_TRACKER, { breachStreak: 3 }));
    const firstRule = Object.values(DEFAULT_DIAGNOSIS_RULES)[0] as object;
    expect(Object.isFrozen(firstRule)).toBe(true);
  });

  it('#9 frozen() freezes nested objects and arrays and returns the same value', () => {
    const v = { a: [{ b: 1 }], c: { d: 'x' } };
    expect(frozen(v)).toBe(v);
    expect(Object.isFrozen(v.a[0])).toBe(true);
    expect(Object.isFrozen(v.c)).toBe(true);
    expect(frozen(null)).toBeNull();
  });
});
