/**
 * The local provider's `containers` setting at its default, `none`, through the API
 * (docs/deployment.md, "Containers"): a CWL tool with a DockerRequirement hint and a WDL task with a
 * `docker` runtime run on the host, in the run's sandbox, their images never pulled (this machine has
 * no registry and no Docker); a CWL tool that requires its image is refused by cwltool, as
 * `--no-container` says. The other settings' command lines: container-flags.test.ts.
 */
import { API, createApiHarness, fieldParts, postMultipart, waitForState, type ApiHarness } from '../support/api-harness';

const LOCAL = JSON.stringify({ wes_provider: 'local' });

const dockerTool = (where: 'hints' | 'requirements') => `cwlVersion: v1.2
class: CommandLineTool
${where}:
  DockerRequirement:
    dockerPull: registry.invalid/nobody/no-such-image:1
inputs: []
baseCommand: [echo, ran without its image]
stdout: said.txt
outputs:
  said:
    type: stdout
`;

const DOCKER_TASK = `version 1.0
workflow say {
  call speak
  output {
    String said = speak.said
  }
}
task speak {
  command <<<
    echo "ran without its image"
  >>>
  runtime {
    docker: "registry.invalid/nobody/no-such-image:1"
  }
  output {
    String said = read_string(stdout())
  }
}
`;

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
  const info = (await api.http.get(`${API}/service-info`).expect(200)).body;
  expect(info.tags['containers.local']).toMatch(/^none: /);
});
afterAll(() => api.stop());

async function run(type: string, version: string, file: string, content: string): Promise<{ state: string; log: RunLog }> {
  const created = await postMultipart(api.http, [
    ...fieldParts({ workflow_type: type, workflow_type_version: version, workflow_url: file, workflow_params: '{}', tags: LOCAL }),
    { name: 'workflow_attachment', value: content, filename: file },
  ]).expect(200);
  const state = await waitForState(api.http, created.body.run_id);
  return { state, log: (await api.http.get(`${API}/runs/${created.body.run_id}`).expect(200)).body };
}

interface RunLog {
  run_log: { cmd: string[]; system_logs: string[] };
  outputs: Record<string, unknown>;
}

test('a CWL tool with a DockerRequirement hint runs on the host with containers: none (cwltool --no-container)', async () => {
  const { state, log } = await run('CWL', 'v1.2', 'tool.cwl', dockerTool('hints'));
  expect(state).toBe('COMPLETE');
  expect(log.run_log.cmd).toContain('--no-container');
  const said = log.outputs.said as { location: string };
  const { text } = await api.http.get(new URL(said.location).pathname).buffer(true).expect(200);
  expect(text).toBe('ran without its image\n');
});

test('a CWL tool that requires its container fails with containers: none, saying why', async () => {
  const { state, log } = await run('CWL', 'v1.2', 'tool.cwl', dockerTool('requirements'));
  expect(state).toBe('EXECUTOR_ERROR');
  expect(log.run_log.system_logs.join('\n')).toContain(
    "--no-container, but this CommandLineTool has DockerRequirement under 'requirements'",
  );
});

test("a WDL task with a docker runtime runs on the host with containers: none (miniwdl's bare backend)", async () => {
  const { state, log } = await run('WDL', '1.0', 'say.wdl', DOCKER_TASK);
  expect(state).toBe('COMPLETE');
  expect(log.outputs).toEqual({ 'say.said': 'ran without its image' });
});
