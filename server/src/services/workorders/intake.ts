// One intake for every channel: a report of the same thing at the same place within the category's window joins
// the open order (its reporter is then told of its progress too) instead of opening another. Reports of one
// place are taken one at a time, so two at once never open two orders; other places are not held up.
import { answeredBefore, createKeyedLock, modelName, Refusal, type CommandAnswer, type CommandRequest, type Engine } from "../framework/index.js";
import type { CategoryRoute } from "./categories.js";
import { MODELS, placeKey } from "./projections.js";
import { SERVICE, type Place } from "./records.js";

export type ReportBody = { serviceCode: string; place: Place; channel: string; [field: string]: unknown };

const JOIN_FIELDS = ["channel", "description", "reporter", "device", "photos", "text", "onBehalfOf", "authorisation"];

/** Runs one command of the intake (the server's wraps it so that a refusal erases a text it kept: texts.ts). */
export type Guard = (request: CommandRequest, run: () => Promise<CommandAnswer>) => Promise<CommandAnswer>;

export function reportIntake(categories: () => Promise<readonly CategoryRoute[]>, clock: () => number = Date.now, guard: Guard = (_request, run) => run()) {
  const places = createKeyedLock();
  return async function intake(request: CommandRequest, engine: Engine): Promise<CommandAnswer> {
    const body = request.parsedBody as ReportBody;
    const key = placeKey({ serviceCode: body.serviceCode, place: body.place });
    return places(key, async () => {
      const join = (id: string) => guard(request, () =>
        engine.execute({
          ...request,
          command: "join",
          id,
          body: Object.fromEntries(Object.entries(body).filter(([field]) => JOIN_FIELDS.includes(field))),
          parsedBody: undefined,
        }));
      const report = () => guard(request, () => engine.execute(request));
      // A repeat of an acknowledged report goes where the first went, whatever has happened since.
      const before = await answeredBefore(engine.storage, request);
      if (before) return before.fromVersion === 1 ? report() : join(before.id);

      const open = await engine.storage.get<{ id: string; at: number }>(modelName(SERVICE, MODELS.openByPlace), key);
      const route = (await categories()).find((c) => c.code === body.serviceCode);
      const now = Math.floor(clock() / 1000);
      if (open && route && !route.retired && now - open.at <= route.duplicateWindowMinutes * 60) {
        try {
          return await join(open.id);
        } catch (error) {
          // Closed since it was indexed as open: this report opens a new order.
          if (!(error instanceof Refusal && error.code === "workorder_wrong_status")) throw error;
        }
      }
      return report();
    });
  };
}
