/**
 * Every field named `key` anywhere in a request, with its path (`target.entities[0].entity.modifications`):
 * live engines name the fields they cannot honour by their input path, as the API's validation
 * errors do (spec/API.md §2.3).
 */
export function fieldsNamed(value: unknown, key: string, path = ''): Array<{ path: string; value: unknown }> {
  if (Array.isArray(value)) return value.flatMap((item, index) => fieldsNamed(item, key, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([name, inner]) => {
    const at = path ? `${path}.${name}` : name;
    return [...(name === key ? [{ path: at, value: inner }] : []), ...fieldsNamed(inner, key, at)];
  });
}
