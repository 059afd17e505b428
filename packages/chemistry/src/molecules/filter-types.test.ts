import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DesignStartParams } from 'boltz-api/resources/small-molecule/design';
import type { ExploreStartParams } from 'boltz-api/resources/small-molecule/explore';
import type { LibraryScreenStartParams } from 'boltz-api/resources/small-molecule/library-screen';
import { type MoleculeFilters, STRUCTURAL_ALERT_CATALOGS, SMARTS_CATALOG_FILTER_LEVELS } from './filter-types.ts';

// Compile-time: our shape and each SDK start body's `molecule_filters` are assignable both ways.
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Sdk<T extends { molecule_filters?: unknown }> = NonNullable<T['molecule_filters']>;
const sameAsDesign: Mutual<MoleculeFilters, Sdk<DesignStartParams>> = true;
const sameAsScreen: Mutual<MoleculeFilters, Sdk<LibraryScreenStartParams>> = true;
const sameAsExplore: Mutual<MoleculeFilters, Sdk<ExploreStartParams>> = true;
type SdkCatalog = Extract<NonNullable<Sdk<DesignStartParams>['custom_filters']>[number], { type: 'smarts_catalog_filter' }>['catalog'];
type SdkLevel = NonNullable<Sdk<DesignStartParams>['boltz_smarts_catalog_filter_level']>;
const sameCatalogs: Mutual<(typeof STRUCTURAL_ALERT_CATALOGS)[number], SdkCatalog> = true;
const sameLevels: Mutual<(typeof SMARTS_CATALOG_FILTER_LEVELS)[number], SdkLevel> = true;

test('molecule_filters types mirror the SDK (checked by the type checker)', () => {
  assert.deepEqual([sameAsDesign, sameAsScreen, sameAsExplore, sameCatalogs, sameLevels], [true, true, true, true, true]);
  assert.equal(new Set(STRUCTURAL_ALERT_CATALOGS).size, 14);
});
