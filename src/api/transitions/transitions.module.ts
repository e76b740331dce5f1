import { Module } from '@nestjs/common';
import { TransitionsController } from './transitions.controller';

@Module({ controllers: [TransitionsController] })
export class TransitionsModule {}
