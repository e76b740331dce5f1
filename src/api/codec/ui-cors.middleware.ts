/**
 * The codec endpoint is called by browsers showing the Temporal Web UI, from the UI's own origin
 * (TEMPORAL_UI_URL): that origin alone may call it, with credentials and the headers the UI sends.
 * A preflight is answered here, before authentication, as browsers send it without credentials;
 * ../core/foreign-requests.ts lets that origin through to these routes alone.
 */
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../../config/config';
import { CONFIG } from '../core/tokens';
import { uiOrigin } from './codec-routes';

@Injectable()
export class UiCorsMiddleware implements NestMiddleware {
  private readonly origin: string;

  constructor(@Inject(CONFIG) config: Config) {
    this.origin = uiOrigin(config);
  }

  use(request: Request, response: Response, next: NextFunction): void {
    response.vary('Origin');
    if (request.get('origin') === this.origin) {
      response.setHeader('Access-Control-Allow-Origin', this.origin);
      response.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (request.method !== 'OPTIONS') {
      next();
      return;
    }
    response.setHeader('Access-Control-Allow-Methods', 'POST');
    response.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
    response.setHeader('Access-Control-Max-Age', '600');
    response.status(204).end();
  }
}
