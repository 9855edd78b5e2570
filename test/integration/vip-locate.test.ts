// The VIP profile used to locate (R7.5) on the real local stack, through HTTP only: a VIP's
// complaint that gives only an address is located through the profile's places (the place the
// address names, else all of them), the CHR is read by the profile's IMSI as well as the number,
// and a guarantee area is made from the profile's places.
import { intakeBody, uniqueMobile } from '../support/fixtures';
import { eventually, KEYS, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
const tokens: Record<string, string> = {};

const OFFICE_SITE = { siteId: '460-00-88001', lat: 39.905, lng: 116.39 };
const HOME_SITE = { siteId: '460-00-88002', lat: 39.99, lng: 116.32 };
const IMSI = '460009876543210';
const number = uniqueMobile();

/** The point `m` metres from (lat, lng) in direction `bearing` (degrees). */
function towards(lat: number, lng: number, bearing: number, m: number) {
  const b = (bearing * Math.PI) / 180;
  return {
    lat: lat + (m * Math.cos(b)) / 111_000,
    lng: lng + (m * Math.sin(b)) / (111_000 * Math.cos((lat * Math.PI) / 180)),
  };
}

const cellsOf = (site: typeof OFFICE_SITE, region: string) =>
  [0, 120, 240].map((azimuth, i) => ({
    cellId: `${site.siteId}-${i + 1}`,
    siteId: site.siteId,
    sector: i + 1,
    lat: site.lat,
    lng: site.lng,
    azimuth,
    band: 'B3',
    technology: 'LTE',
    region,
  }));

interface ComplaintEvidence {
  evidence?: {
    cells: { method: string; servingCellId?: string; neighbours: { cellId: string }[]; vipPlaces?: string[] };
    bundle: {
      query: { cells: string[]; imsi?: string; msisdn?: string; subscriberKeys?: string[] };
      chr?: { ok: boolean; items?: { callId: string }[] };
      gaps: string[];
    };
  };
  vip?: { level: number };
}

beforeAll(async () => {
  stack = await startTestStack();
  for (const user of ['vip.manager', 'analyst.sun', 'supervisor.wang']) {
    const res = await stack.http.request<{ access_token: string }>('POST', '/dev/token', {
      key: null,
      body: { user },
    });
    expect(res.status).toBe(200);
    tokens[user] = res.body.access_token;
  }
  const imported = async (kind: string, rows: unknown[]) => {
    const res = await stack.http.post<{ imported: number }>(
      `/v1/network-data/${kind}`,
      rows,
      tokens['analyst.sun'],
    );
    expect(res.status).toBe(201);
  };
  await imported('cells', [...cellsOf(OFFICE_SITE, 'xicheng'), ...cellsOf(HOME_SITE, 'haidian')]);
  // Calls of the VIP's phone known by its IMSI only (the signalling trace has no MSISDN).
  const day = 24 * 3_600_000;
  await imported('chr', [
    {
      callId: 'it-r75-drop-1',
      imsi: IMSI,
      startedAt: new Date(Date.now() - 2 * day).toISOString(),
      result: 'drop',
      failedStep: 'RRC_REESTABLISHMENT',
      cellId: `${OFFICE_SITE.siteId}-1`,
    },
  ]);
}, 600_000);

afterAll(async () => {
  await stack?.dispose();
}, 60_000);

describe('R7.5 the VIP profile locates the evidence', () => {
  let profileId = '';
  const residence = towards(HOME_SITE.lat, HOME_SITE.lng, 125, 300);

  it('R7.5 an address-only VIP complaint gets the cells of the place its address names, and the CHR by the IMSI', async () => {
    const created = await stack.http.post<{ profileId: string }>(
      '/v1/vips',
      {
        number,
        imsi: IMSI,
        vipLevel: 2,
        office: {
          label: '市政府大楼',
          address: '北京市西城区正义路2号',
          cellIds: [`${OFFICE_SITE.siteId}-1`],
        },
        residence: { label: '住所', address: '北京市海淀区某小区', coordinates: residence },
        assistants: [{ name: '王秘书', email: 'assistant.r75@gov.example' }],
      },
      tokens['vip.manager'],
    );
    expect(created.status).toBe(201);
    profileId = created.body.profileId;

    const filed = await stack.http.post<{ ticketId: string }>(
      '/v1/complaints',
      intakeBody({
        location: { region: 'xicheng', address: '北京市西城区正义路2号 市政府大楼5层会议室' },
        numbers: { callback: number, calling: number },
      }),
      KEYS.intake,
    );
    expect(filed.status).toBe(201);
    const v = await eventually(async () => {
      const r = await stack.http.get<ComplaintEvidence>(
        `/v1/complaints/${filed.body.ticketId}`,
        KEYS.supervisor,
      );
      return r.body.evidence ? r.body : undefined;
    }, 90_000);
    expect(v.vip?.level).toBe(2);
    const { cells, bundle } = v.evidence!;
    expect(cells).toMatchObject({
      method: 'vipPlace',
      servingCellId: `${OFFICE_SITE.siteId}-1`,
      vipPlaces: ['办公室 office「市政府大楼」'],
    });
    // The office's other sectors are the neighbours: the residence is not where this complaint is.
    expect(cells.neighbours.map((c) => c.cellId)).toEqual([
      `${OFFICE_SITE.siteId}-2`,
      `${OFFICE_SITE.siteId}-3`,
    ]);
    expect(bundle.query.cells[0]).toBe(`${OFFICE_SITE.siteId}-1`);
    expect(bundle.gaps.join(' ')).not.toMatch(/无法定位服务小区/);
    // The CHR was read by number and IMSI: the IMSI-only call record is in the evidence.
    expect(bundle.query.subscriberKeys).toEqual(['msisdn', 'imsi']);
    expect(bundle.query.imsi).toBeUndefined();
    expect(bundle.chr).toMatchObject({ ok: true });
    expect(bundle.chr!.items!.map((c) => c.callId)).toContain('it-r75-drop-1');
  });

  it('R7.5 an address that names no place of the profile is located through all of them, and the gap says so', async () => {
    const filed = await stack.http.post<{ ticketId: string }>(
      '/v1/complaints',
      intakeBody({
        location: { region: 'haidian', address: '北京市某区某路（客户未说明具体地点）' },
        numbers: { callback: number, calling: number },
      }),
      KEYS.intake,
    );
    expect(filed.status).toBe(201);
    const v = await eventually(async () => {
      const r = await stack.http.get<ComplaintEvidence>(
        `/v1/complaints/${filed.body.ticketId}`,
        KEYS.supervisor,
      );
      return r.body.evidence ? r.body : undefined;
    }, 90_000);
    const { cells, bundle } = v.evidence!;
    expect(cells.method).toBe('vipPlace');
    expect(cells.servingCellId).toBe(`${OFFICE_SITE.siteId}-1`);
    // The residence's serving cell (by its coordinates: sector 2 points at it) comes next.
    expect(cells.neighbours[0]!.cellId).toBe(`${HOME_SITE.siteId}-2`);
    expect(cells.vipPlaces).toEqual(['办公室 office「市政府大楼」', '住所 residence「住所」']);
    expect(bundle.gaps.join(' ')).toMatch(/未对应到 VIP 档案中的具体地点/);
  });

  it("R7.5 a guarantee area is made from the profile's places: their cells, the place named by the profile", async () => {
    const body = { areaId: 'it-r75-vip-places', name: 'VIP 重点保障', fromVip: { profileId } };
    // Only those who keep VIP profiles may read them into an area; an unknown place is named.
    expect((await stack.http.post('/v1/guarantee-areas', body, tokens['supervisor.wang'])).status).toBe(403);
    const unknown = await stack.http.post<{ message: string }>(
      '/v1/guarantee-areas',
      { ...body, fromVip: { profileId, places: ['gym'] } },
      tokens['vip.manager'],
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/fromVip.places: the profile has no place gym/);
    const noCells = await stack.http.post<{ message: string }>(
      '/v1/guarantee-areas',
      { areaId: 'it-r75-none', name: 'x' },
      tokens['vip.manager'],
    );
    expect(noCells.status).toBe(400);

    const created = await stack.http.post<{
      created: boolean;
      definition: { cells: string[]; place: string };
    }>('/v1/guarantee-areas', { ...body, watchInterval: '1h' }, tokens['vip.manager']);
    expect(created.status).toBe(201);
    const cells = created.body.definition.cells;
    expect(cells[0]).toBe(`${OFFICE_SITE.siteId}-1`);
    expect(cells).toContain(`${HOME_SITE.siteId}-2`);
    expect(created.body.definition.place).toBe(
      `VIP ${profileId}: 办公室 office「市政府大楼」、住所 residence「住所」`,
    );
    const area = await eventually(async () => {
      const r = await stack.http.get<{ definition: { cells: string[] } }>(
        '/v1/guarantee-areas/it-r75-vip-places',
        tokens['vip.manager'],
      );
      return r.status === 200 ? r.body : undefined;
    });
    expect(area.definition.cells).toEqual(cells);
    const ended = await stack.http.post(
      '/v1/guarantee-areas/it-r75-vip-places/end',
      { reason: 'test done' },
      tokens['vip.manager'],
    );
    expect(ended.status).toBe(200);
  });
});
