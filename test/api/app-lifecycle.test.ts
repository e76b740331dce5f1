import request from 'supertest';
import { createApp } from '../../src/api/app';
import { API, createApiHarness, type ApiHarness } from '../support/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.stop());

test('closing the app runs the shutdown hook it was given, after it stopped serving', async () => {
  const onShutdown = jest.fn(async () => undefined);
  const app = await createApp({ config: api.config, runStore: api.harness.runStore, logger: false, onShutdown });
  await request(app.getHttpServer()).get(`${API}/runs`).expect(200);
  expect(onShutdown).not.toHaveBeenCalled();
  await app.close();
  expect(onShutdown).toHaveBeenCalledTimes(1);
});
