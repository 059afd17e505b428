import { type FileInputValue, type FoundFileInput, MSA_MEDIA_TYPES, structureMediaTypes } from '../common/file-input.ts';

interface StructureAndBindingFiles {
  entities: Array<{ type: string; msa?: { type: string; format?: 'a3m' | 'csv'; source?: FileInputValue } }>;
  templates?: Array<{ template_structure: FileInputValue }>;
}

/** Every file input of a validated structure-and-binding `input`, in input order. */
export function structureAndBindingFileInputs(input: unknown): FoundFileInput[] {
  const { entities, templates = [] } = input as StructureAndBindingFiles;
  const found: FoundFileInput[] = [];
  entities.forEach((entity, index) => {
    const msa = entity.msa;
    if (msa?.type === 'custom' && msa.source && msa.format) {
      found.push({ path: `input.entities[${index}].msa`, file: msa.source, allowedMediaTypes: [MSA_MEDIA_TYPES[msa.format]] });
    }
  });
  templates.forEach((template, index) => {
    const file = template.template_structure;
    found.push({ path: `input.templates[${index}].template_structure`, file, allowedMediaTypes: structureMediaTypes(file) });
  });
  return found;
}

