import { describe, it } from '@jest/globals';
import { deciderSpec } from '@parking/testing';
import type { CatalogueEvent } from './catalogue.js';
import { termsDecider, type PublishTerms } from './terms.js';

const now = new Date('2027-03-01T10:00:00.000Z');
const publishedAt = now.toISOString();
const spec = deciderSpec(termsDecider);
const publish = (termsId: string, replaces?: string): PublishTerms => ({
  type: 'PublishTerms',
  termsId,
  title: 'Vilkår',
  text: 'Tekst',
  replaces,
  now,
});
const v1: CatalogueEvent = {
  type: 'TermsPublished',
  data: { termsId: 't1', title: 'Vilkår', text: 'Tekst', publishedAt, version: 1, documentId: 't1' },
};
const v2: CatalogueEvent = {
  type: 'TermsPublished',
  data: {
    termsId: 't2',
    title: 'Vilkår',
    text: 'Tekst',
    publishedAt,
    version: 2,
    documentId: 't1',
    replaces: 't1',
  },
};

describe('versioned terms', () => {
  it('publishes a new document as version 1', () => {
    spec.given([]).when(publish('t1')).then([v1]);
  });
  it('publishes the next version of the document it replaces', () => {
    spec.given([v1]).when(publish('t2', 't1')).then([v2]);
  });
  it('refuses to replace a version that is no longer the latest', () => {
    spec.given([v1, v2]).when(publish('t3', 't1')).thenThrows('RULE_VIOLATED');
  });
  it('refuses to replace terms that do not exist', () => {
    spec.given([]).when(publish('t2', 'nope')).thenThrows('RULE_VIOLATED');
  });
});
