/**
 * A run's workflow language as a ComputerLanguage entity: Workflow RO-Crate's identifiers for the
 * languages it names, one of this crate's own for the others (docs/formats.md, "Workflow Run RO-Crate").
 */
import type { Entity } from './crate-types';

const WORKFLOW_RO_CRATE = 'https://w3id.org/workflowhub/workflow-ro-crate#';

interface Language {
  id: string;
  name: string;
  alternateName?: string;
  url?: string;
  /** The language's own identifier for a version. */
  identifier?: (version: string) => string;
}

const KNOWN: Partial<Record<string, Language>> = {
  CWL: {
    id: `${WORKFLOW_RO_CRATE}cwl`,
    name: 'Common Workflow Language',
    alternateName: 'CWL',
    url: 'https://www.commonwl.org/',
    identifier: (version) => `https://w3id.org/cwl/${version}/`,
  },
  SMK: { id: `${WORKFLOW_RO_CRATE}snakemake`, name: 'Snakemake', url: 'https://snakemake.readthedocs.io/' },
  SNAKEMAKE: { id: `${WORKFLOW_RO_CRATE}snakemake`, name: 'Snakemake', url: 'https://snakemake.readthedocs.io/' },
  NFL: { id: `${WORKFLOW_RO_CRATE}nextflow`, name: 'Nextflow', url: 'https://www.nextflow.io/' },
  NEXTFLOW: { id: `${WORKFLOW_RO_CRATE}nextflow`, name: 'Nextflow', url: 'https://www.nextflow.io/' },
  WDL: { id: '#language-wdl', name: 'Workflow Description Language', alternateName: 'WDL', url: 'https://openwdl.org/' },
};

export function languageEntity(workflowType: string, version: string): Entity {
  const known = KNOWN[workflowType.toUpperCase()];
  const language: Language = known ?? { id: `#language-${encodeURIComponent(workflowType)}`, name: workflowType };
  const identifier = language.identifier?.(version);
  return {
    '@id': language.id,
    '@type': 'ComputerLanguage',
    name: language.name,
    ...(language.alternateName ? { alternateName: language.alternateName } : {}),
    ...(language.url ? { url: { '@id': language.url } } : {}),
    ...(identifier ? { identifier: { '@id': identifier } } : {}),
    version,
  };
}
