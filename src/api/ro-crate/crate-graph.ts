/** The crate's @graph as it is built: one entity per @id, in the order first added. */
import type { Entity, Ref } from './crate-types';

export class CrateGraph {
  private readonly entities = new Map<string, Entity>();

  /** Adds `entity`, or, when its @id is there already, adds its types and the properties that one lacks. */
  add(entity: Entity): Ref {
    const id = entity['@id'];
    const present = this.entities.get(id);
    if (!present) this.entities.set(id, { ...entity });
    else {
      const types = new Set([...asArray(present['@type']), ...asArray(entity['@type'])]);
      this.entities.set(id, { ...entity, ...present, '@type': types.size === 1 ? [...types][0] : [...types] });
    }
    return { '@id': id };
  }

  has(id: string): boolean {
    return this.entities.has(id);
  }

  /** Appends `refs` to the entity's `property` (a list of references), each once. */
  link(id: string, property: string, ...refs: Ref[]): void {
    const entity = this.entities.get(id);
    if (!entity) throw new Error(`no entity ${id} in the crate`);
    const present = asArray(entity[property] as Ref | Ref[] | undefined);
    const ids = new Set(present.map((item) => item['@id']));
    entity[property] = [...present, ...refs.filter((item) => !ids.has(item['@id']) && ids.add(item['@id']))];
  }

  /** The entities, a list of one value written as that value, as RO-Crate 1.1's JSON-LD recommends. */
  list(): Entity[] {
    return [...this.entities.values()].map(
      (entity) =>
        Object.fromEntries(
          Object.entries(entity).map(([key, value]) => [key, Array.isArray(value) && value.length === 1 ? value[0] : value]),
        ) as Entity,
    );
  }
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
