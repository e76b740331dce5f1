/**
 * A task's parameters and gate inputs flow through JSON Schema checks and JSONata expressions,
 * which compute on JavaScript numbers: a number beyond a double (docs/formats.md, "Numbers") would
 * silently lose digits there, so it is refused, naming where it is. Runs of the other workflow
 * types keep such numbers exactly.
 */
import { BadRequestException } from '@nestjs/common';
import { inexactNumberAt } from '../../../domain/exact-json';
import { formatKey } from '../../../domain/key-path';
import { TASK_WORKFLOW_TYPE } from '../../../domain/task-definition';

export function refuseInexactNumbers(value: unknown, what: string): void {
  const at = inexactNumberAt(value, [what]);
  if (at)
    throw new BadRequestException(
      `${formatKey(at)}: a ${TASK_WORKFLOW_TYPE} computes with numbers a double holds exactly; send this one as a string`,
    );
}
