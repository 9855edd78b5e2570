// Complaints for the benchmarks: spread over four districts and ~3,000 cells of a city, as real
// intake is, so that repeat detection (same cell within 30 days) and mass-incident recognition see
// realistic neighbourhoods instead of thousands of complaints about one cell.
import { CATEGORIES } from '../../workflows/complaint/contract';

const REGIONS = ['haidian', 'chaoyang', 'xicheng', 'dongcheng'];

export function spreadComplaint(i: number): Record<string, unknown> {
  return {
    category: CATEGORIES[i % CATEGORIES.length],
    location: {
      region: REGIONS[i % REGIONS.length],
      address: `北京市测试路${i}号`,
      cellId: `460-00-${10000 + (i % 997)}-${1 + (i % 3)}`,
    },
  };
}
