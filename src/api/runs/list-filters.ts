/** The filters of GET /runs beyond WES 1.1: `state` and `tag` (spec PR 213), both repeatable. */
import { BadRequestException } from '@nestjs/common';
import { WES_STATES, type WesState } from '../../../workflows/wes-state';

/** A repeatable query parameter: repeated, comma-separated, or both. */
function listValues(name: string, raw: unknown, separator?: string): string[] {
  if (raw === undefined) return [];
  const values = Array.isArray(raw) ? raw : [raw];
  if (!values.every((value): value is string => typeof value === 'string')) throw new BadRequestException(`${name} must be plain values`);
  return separator ? values.flatMap((value) => value.split(separator)).map((value) => value.trim()).filter(Boolean) : values;
}

export function parseStates(raw: unknown): WesState[] | undefined {
  const states = listValues('state', raw, ',').map((state) => state.toUpperCase());
  for (const state of states) {
    if (!(WES_STATES as readonly string[]).includes(state)) {
      throw new BadRequestException(`unknown state ${JSON.stringify(state)}; WES states are ${WES_STATES.join(', ')}`);
    }
  }
  return states.length > 0 ? (states as WesState[]) : undefined;
}

/** `tag=key:value`; a run must carry every tag given. */
export function parseTags(raw: unknown): Record<string, string> | undefined {
  const tags = new Map<string, string>();
  for (const pair of listValues('tag', raw)) {
    const at = pair.indexOf(':');
    if (at <= 0) throw new BadRequestException(`tag must be key:value, not ${JSON.stringify(pair)}`);
    const key = pair.slice(0, at);
    const value = pair.slice(at + 1);
    if (tags.has(key) && tags.get(key) !== value) throw new BadRequestException(`tag ${key} is given with two values`);
    tags.set(key, value);
  }
  return tags.size > 0 ? Object.fromEntries(tags) : undefined;
}
