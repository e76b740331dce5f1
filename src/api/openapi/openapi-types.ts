/**
 * The OpenAPI object types the API reads its document with, derived from the one type
 * @nestjs/swagger exports publicly (`OpenAPIObject`), so that no import reaches into its dist/.
 */
import type { OpenAPIObject } from '@nestjs/swagger';

type Components = NonNullable<OpenAPIObject['components']>;
type ResponseOrReference = NonNullable<Components['responses']>[string];
type ParameterOrReference = NonNullable<Components['parameters']>[string];

export type ReferenceObject = Extract<ResponseOrReference, { $ref: string }>;
export type ResponseObject = Exclude<ResponseOrReference, ReferenceObject>;
export type ParameterObject = Exclude<ParameterOrReference, ReferenceObject>;
export type SchemaObject = Exclude<NonNullable<ParameterObject['schema']>, ReferenceObject>;
export type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
