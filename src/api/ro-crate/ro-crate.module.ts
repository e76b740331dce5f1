import { Module } from '@nestjs/common';
import { RoCrateController } from './ro-crate.controller';

@Module({ controllers: [RoCrateController] })
export class RoCrateModule {}
