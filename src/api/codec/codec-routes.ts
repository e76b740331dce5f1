import type { Config } from '../../config/config';
import { API_PREFIX } from '../core/base-url';

/** Where the Temporal Web UI's page posts payloads (its "codec server" protocol): `<endpoint>/decode` and `<endpoint>/encode`. */
export const CODEC_PATH = 'codec';
export const CODEC_ROUTES = { decode: 'decode', encode: 'encode' } as const;

/** The request paths of the codec's routes, as the client writes them (without a query). */
export const codecRequestPaths = (): string[] => Object.values(CODEC_ROUTES).map((route) => `/${API_PREFIX}/${CODEC_PATH}/${route}`);

/** The one origin whose pages call the codec: the Temporal Web UI's (TEMPORAL_UI_URL). */
export const uiOrigin = (config: Pick<Config, 'temporalUiUrl'>): string => new URL(config.temporalUiUrl).origin;
