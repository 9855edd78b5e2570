// Guarantee areas (重点保障区域, R7.3): create one (starts its workflow; idempotent by areaId), list
// them from the read model, read one (the workflow's query, else the read model), pause, resume,
// change and end it (workflow updates), and list its periodic test tasks. An area can be made from
// a VIP profile's places (R7.5): their cell ids, else the cells located at their coordinates.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { Router, type Request } from 'express';
import type { Connection } from 'mongoose';
import { locateCells } from '../../activities/evidence/locate';
import type { CellTable } from '../../activities/evidence/sources';
import { guaranteeModels } from '../../activities/guarantee-models';
import { vipModel } from '../../activities/vip';
import { CELL_ID_PATTERN } from '../../domain/policy/guarantee';
import { placeName, placesOfProfile, selectPlaces } from '../../domain/policy/vip-places';
import { VIP_KEEPERS } from '../operations/roles';
import {
  GUARANTEE_WORKFLOW_TYPE,
  changeAreaUpdate,
  endAreaUpdate,
  getAreaQuery,
  guaranteeWorkflowId,
  pauseAreaUpdate,
  resumeAreaUpdate,
  type Actor,
  type GuaranteeAreaStart,
  type GuaranteeAreaView,
  type GuaranteeLimits,
} from '../../workflows/guarantee/contract';
import {
  applyChange,
  areaProblems,
  withDefaults,
  type GuaranteeAreaChange,
} from '../../domain/policy/guarantee';
import { actorOf } from '../auth';
import { HttpError, notFound } from '../errors';
import {
  AreaIdParam,
  EndAreaSchema,
  GuaranteeAreaChangeSchema,
  GuaranteeAreaCreateSchema,
  GuaranteeAreaListQuery,
  GuaranteeTestListQuery,
  PauseAreaSchema,
  ResumeAreaSchema,
} from '../guarantee-schemas';
import { serve } from '../guard';

export interface GuaranteeRouteDeps {
  client: Client;
  mongo: Connection;
  taskQueue: string;
  /** GUARANTEE_MIN_WATCH_INTERVAL in ms. */
  minWatchIntervalMs: number;
  /** Workflow limits (tests make them small); default DEFAULT_GUARANTEE_LIMITS. */
  limits?: Partial<GuaranteeLimits>;
  /** The cell table (NETWORK_DATA_SOURCE): cells at a VIP place's coordinates (R7.5). */
  cells?: CellTable;
}

interface FromVip {
  profileId: string;
  places?: string[];
}

function invalid(problems: string[]): HttpError {
  return new HttpError(
    400,
    'invalid_area',
    problems.join('; '),
    problems.map((p) => {
      const at = p.indexOf(':');
      return { field: at > 0 ? p.slice(0, at) : '(body)', message: at > 0 ? p.slice(at + 1).trim() : p };
    }),
  );
}

const links = (areaId: string) => {
  const self = `/v1/guarantee-areas/${encodeURIComponent(areaId)}`;
  return { self, tests: `${self}/tests` };
};

export function guaranteeAreaRoutes(deps: GuaranteeRouteDeps): Router {
  const r = Router();
  const store = guaranteeModels(deps.mongo);
  const Vip = vipModel(deps.mongo);

  /** The cells at one place: its cell ids, else the serving cell and neighbours at its coordinates. */
  async function placeCells(place: ReturnType<typeof placesOfProfile>[number]): Promise<string[]> {
    const ids = (place.cellIds ?? []).filter((id) => CELL_ID_PATTERN.test(id));
    if (ids.length || !place.coordinates || !deps.cells) return ids;
    const found = await locateCells(deps.cells, { region: '', coordinates: place.coordinates });
    return [found.servingCellId, ...found.neighbours.map((c) => c.cellId)].filter((id): id is string => !!id);
  }

  /** The cells and the place text of an area made from a VIP profile's places (R7.5). */
  async function fromProfile(req: Request, from: FromVip): Promise<{ cells: string[]; place: string }> {
    if (!req.actor?.roles.some((r) => (VIP_KEEPERS as readonly string[]).includes(r)))
      throw new HttpError(
        403,
        'forbidden',
        `fromVip reads a VIP profile: one of the roles ${VIP_KEEPERS.join(', ')}`,
      );
    const profile = await Vip.findById(from.profileId).lean();
    if (!profile) throw invalid([`fromVip.profileId: no VIP profile ${from.profileId}`]);
    const chosen = selectPlaces(placesOfProfile(profile), from.places);
    if (chosen.unknown.length)
      throw invalid([`fromVip.places: the profile has no place ${chosen.unknown.join(', ')}`]);
    const cells: string[] = [];
    for (const place of chosen.places)
      for (const id of await placeCells(place)) if (!cells.includes(id)) cells.push(id);
    if (cells.length === 0)
      throw invalid([
        "fromVip: the profile's places give no cell (no cell ids, and no cells near their coordinates)",
      ]);
    // The place in words names the profile and the places' labels, never their addresses.
    return { cells, place: `VIP ${from.profileId}: ${chosen.places.map(placeName).join('、')}` };
  }

  const handle = (areaId: string): WorkflowHandle =>
    deps.client.workflow.getHandle(guaranteeWorkflowId(areaId));
  const areaIdOf = (req: Request) => AreaIdParam.parse(req.params.id);

  /** The live view from the workflow; an ended area (or one whose workflow cannot answer) from the read model. */
  async function view(areaId: string): Promise<GuaranteeAreaView> {
    const doc = await store.Area.findById(areaId).lean();
    if (doc?.status === 'ENDED') return doc.view;
    try {
      return await handle(areaId).query(getAreaQuery);
    } catch (err) {
      if (doc) return doc.view;
      if (err instanceof WorkflowNotFoundError) throw notFound(`guarantee area ${areaId}`);
      throw err;
    }
  }

  async function ensureExists(areaId: string): Promise<void> {
    if (await store.Area.exists({ _id: areaId })) return;
    try {
      await handle(areaId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`guarantee area ${areaId}`);
      throw err;
    }
  }

  const ended = (areaId: string) =>
    new HttpError(409, 'area_ended', `guarantee area ${areaId} has ended; it takes no further changes`);

  /** An update on the area's workflow; an ended one answers 409. */
  async function act<T>(
    areaId: string,
    def: { name: string },
    actor: Actor,
    input: T,
  ): Promise<GuaranteeAreaView> {
    const doc = await store.Area.findById(areaId).select({ status: 1 }).lean();
    if (doc?.status === 'ENDED') throw ended(areaId);
    if (!doc) await ensureExists(areaId);
    try {
      return await handle(areaId).executeUpdate<GuaranteeAreaView, [{ actor: Actor; input: T }]>(def.name, {
        args: [{ actor, input }],
      });
    } catch (err) {
      if (err instanceof Error && /workflow execution already completed/i.test(err.message))
        throw ended(areaId);
      if (err instanceof WorkflowNotFoundError) {
        // Closed between the read and the update (the server answers "not found" for a closed run).
        const status = await handle(areaId)
          .describe()
          .then((d) => d.status.name)
          .catch(() => undefined);
        if (status && status !== 'RUNNING') throw ended(areaId);
        throw notFound(`guarantee area ${areaId}`);
      }
      throw err;
    }
  }

  serve(r, '/v1/guarantee-areas', 'createGuaranteeArea', async (req, res) => {
    const { areaId, fromVip, ...fields } = GuaranteeAreaCreateSchema.parse(req.body);
    const vip = fromVip ? await fromProfile(req, fromVip) : undefined;
    const cells = [...(fields.cells ?? [])];
    for (const id of vip?.cells ?? []) if (!cells.includes(id)) cells.push(id);
    const area = withDefaults({
      ...fields,
      cells,
      ...(vip && fields.place === undefined ? { place: vip.place } : {}),
    });
    const problems = areaProblems(area, deps.minWatchIntervalMs);
    if (problems.length) throw invalid(problems);
    const workflowId = guaranteeWorkflowId(areaId);
    // An area id is used once: an ended area keeps it (its notifications are keyed by it).
    const existing = await store.Area.findById(areaId).lean();
    if (existing) {
      res.status(200).json({ created: false, areaId, workflowId, area: existing.view, links: links(areaId) });
      return;
    }
    const start: GuaranteeAreaStart = {
      areaId,
      area,
      createdBy: actorOf(req).user,
      ...(deps.limits ? { limits: deps.limits } : {}),
    };
    try {
      await deps.client.workflow.start(GUARANTEE_WORKFLOW_TYPE, {
        taskQueue: deps.taskQueue,
        workflowId,
        args: [start],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        memo: { areaName: area.name },
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const current = await view(areaId).catch(() => undefined);
      res.status(200).json({ created: false, areaId, workflowId, area: current, links: links(areaId) });
      return;
    }
    res
      .status(201)
      .json({ created: true, areaId, workflowId, status: 'OK', definition: area, links: links(areaId) });
  });

  serve(r, '/v1/guarantee-areas', 'listGuaranteeAreas', async (req, res) => {
    const q = GuaranteeAreaListQuery.parse(req.query);
    const docs = await store.Area.find(q.status ? { status: q.status } : {})
      .select({ view: 0 })
      .sort({ _id: 1 })
      .limit(q.limit)
      .lean();
    res.json({
      items: docs.map(({ _id, ...d }) => ({
        areaId: _id,
        name: d.name,
        status: d.status,
        cells: d.cells,
        region: d.region ?? undefined,
        place: d.place ?? undefined,
        lastCheckAt: d.lastCheckAt ?? undefined,
        nextCheckAt: d.nextCheckAt ?? undefined,
        openAlerts: d.openAlerts,
        alertSeq: d.alertSeq,
        nextTestDueAt: d.nextTestDueAt ?? undefined,
        testsCreated: d.testsCreated,
        updatedAt: d.updatedAt,
        version: d.version,
        links: links(_id),
      })),
    });
  });

  serve(r, '/v1/guarantee-areas', 'getGuaranteeArea', async (req, res) => {
    const areaId = areaIdOf(req);
    res.json({ ...(await view(areaId)), links: links(areaId) });
  });

  serve(r, '/v1/guarantee-areas', 'listGuaranteeTests', async (req, res) => {
    const areaId = areaIdOf(req);
    const q = GuaranteeTestListQuery.parse(req.query);
    await ensureExists(areaId);
    const docs = await store.Test.find({ areaId }).sort({ scheduledAt: -1 }).limit(q.limit).lean();
    res.json({ items: docs.map(({ _id, ...d }) => ({ taskId: _id, ...d })) });
  });

  serve(r, '/v1/guarantee-areas', 'pauseGuaranteeArea', async (req, res) => {
    const areaId = areaIdOf(req);
    const input = PauseAreaSchema.parse(req.body);
    res.json(await act(areaId, pauseAreaUpdate, actorOf(req), input));
  });

  serve(r, '/v1/guarantee-areas', 'resumeGuaranteeArea', async (req, res) => {
    const areaId = areaIdOf(req);
    const input = ResumeAreaSchema.parse(req.body);
    res.json(await act(areaId, resumeAreaUpdate, actorOf(req), input));
  });

  serve(r, '/v1/guarantee-areas', 'endGuaranteeArea', async (req, res) => {
    const areaId = areaIdOf(req);
    const input = EndAreaSchema.parse(req.body);
    res.json(await act(areaId, endAreaUpdate, actorOf(req), input));
  });

  serve(r, '/v1/guarantee-areas', 'changeGuaranteeArea', async (req, res) => {
    const areaId = areaIdOf(req);
    const change = GuaranteeAreaChangeSchema.parse(req.body) as GuaranteeAreaChange;
    const current = await view(areaId);
    if (current.status === 'ENDED')
      throw new HttpError(
        409,
        'area_ended',
        `guarantee area ${areaId} has ended; it takes no further changes`,
      );
    // Only what this change touches is judged against the configured minimum interval.
    const touched = Object.keys(change);
    const problems = areaProblems(applyChange(current.definition, change), deps.minWatchIntervalMs).filter(
      (p) => touched.some((k) => p.startsWith(k)),
    );
    if (problems.length) throw invalid(problems);
    res.json(await act(areaId, changeAreaUpdate, actorOf(req), change));
  });

  return r;
}
