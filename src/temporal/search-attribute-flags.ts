/**
 * The search attributes the run workflow upserts (domain/search-attributes.ts, their one
 * declaration), as the Temporal CLI names them. Run as a program, it prints temporal-dev.sh's
 * `--search-attribute` flags, one a line; the loopback cluster registers the same ones.
 */
import { SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTE_KEYS } from '../../domain/search-attributes';

/** The CLI's names of the types (`temporal operator search-attribute create --type`). */
const CLI_TYPES: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export function searchAttributeSpecs(): Array<{ name: string; type: string }> {
  return SEARCH_ATTRIBUTE_KEYS.map((key) => ({ name: key.name, type: CLI_TYPES[key.type] }));
}

/** `temporal server start-dev`'s flags registering them. */
export function searchAttributeFlags(): string[] {
  return searchAttributeSpecs().flatMap(({ name, type }) => ['--search-attribute', `${name}=${type}`]);
}

if (require.main === module) console.log(searchAttributeFlags().join('\n'));
