import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { startApp } from '../support/app-process.js';
import { setUpEngine } from '../support/engines.js';
import { finished, outcomesByChannel, submitIncident } from '../support/incidents.js';
import { startProviders } from '../support/providers.js';

/**
 * The Postgres engine records a step's completion in two writes (the step row, then
 * the `step_completed` event). A crash between the two left the run waiting forever
 * for a step that refuses to run again. This injects exactly that fault into the real
 * engine: a trigger rejects the first `step_completed` event of a thread update, after
 * the engine has already marked the step completed. The app must notice and reopen
 * the step, and the incident must complete.
 */
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

const INJECT_FAULT_SQL = `
create sequence incident_router_fault_seq;
create function incident_router_lose_one_completion() returns trigger language plpgsql as $$
begin
  if new.type = 'step_completed'
     and exists (select 1 from workflow.workflow_steps s
                 where s.step_id = new.correlation_id and s.step_name like '%updateThread')
     and nextval('incident_router_fault_seq') = 1 then
    raise exception 'injected fault: the step_completed event is lost';
  end if;
  return new;
end $$;
create trigger incident_router_lose_one_completion before insert on workflow.workflow_events
for each row execute function incident_router_lose_one_completion();`;

it('repairs a step finished without its completion event, and the incident completes', async () => {
  const engine = await setUpEngine('postgres');
  cleanup.push(() => engine.drop());
  const db = new pg.Client({ connectionString: engine.databaseUrl });
  await db.connect();
  cleanup.push(() => db.end());
  await db.query(INJECT_FAULT_SQL);

  const providers = await startProviders();
  cleanup.push(() => providers.close());
  const app = await startApp({ ...providers.env, ...engine.env, DELIVERY_RETRY_BASE_MS: '200' });
  cleanup.push(() => app.stop());

  await submitIncident(app.eventsUrl, { severity: 'critical', message: 'lost completion' });
  const { replies } = await finished(providers, 'lost completion', 120_000);

  // The fault fired, the app saw the unrecorded completion and reopened the step.
  expect((await db.query(`select last_value, is_called from incident_router_fault_seq`)).rows[0]).toMatchObject({ is_called: true });
  expect(app.output()).toMatch(/step step_\w+ finished without its completion event; running it again/);
  // Everything still arrives once: the reopened reply found its earlier copy in the thread.
  expect(outcomesByChannel(replies)).toEqual({ slack: 1, email: 1, sms: 1, pagerduty: 1, webhook: 1 });
  expect(replies.filter((t) => t.startsWith('Routing '))).toHaveLength(1);
});
