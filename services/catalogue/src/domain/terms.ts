// Versioned terms: a document's versions share one stream; publishing with `replaces` adds the next
// version, and only the latest may be replaced (two admins editing at once cannot fork a document).
import { AppError } from '@parking/contracts';
import { refused, type CatalogueEvent } from './catalogue.js';

export type TermsDocumentState =
  | { status: 'none' }
  | { status: 'published'; documentId: string; latest: { termsId: string; version: number } };

export type PublishTerms = {
  type: 'PublishTerms';
  termsId: string;
  title: string;
  text: string;
  /** The version this one replaces; absent for a new document. */
  replaces?: string;
  now: Date;
};

export const termsDecider = {
  initialState: (): TermsDocumentState => ({ status: 'none' }),
  evolve(state: TermsDocumentState, event: CatalogueEvent): TermsDocumentState {
    if (event.type !== 'TermsPublished') return state;
    const d = event.data;
    return {
      status: 'published',
      documentId: d.documentId ?? d.termsId,
      latest: { termsId: d.termsId, version: d.version },
    };
  },
  decide(command: PublishTerms, state: TermsDocumentState): CatalogueEvent[] {
    const publishedAt = command.now.toISOString();
    const base = { termsId: command.termsId, title: command.title, text: command.text, publishedAt };
    if (command.replaces === undefined) {
      if (state.status !== 'none') throw new AppError('CONFLICT', 'the terms document exists already');
      return [{ type: 'TermsPublished', data: { ...base, version: 1, documentId: command.termsId } }];
    }
    if (state.status !== 'published')
      throw refused([{ path: 'replaces', message: 'no such terms at this operator' }]);
    if (state.latest.termsId !== command.replaces) {
      throw refused([
        {
          path: 'replaces',
          message: `not the latest version of its document (version ${state.latest.version} is)`,
        },
      ]);
    }
    return [
      {
        type: 'TermsPublished',
        data: {
          ...base,
          version: state.latest.version + 1,
          documentId: state.documentId,
          replaces: command.replaces,
        },
      },
    ];
  },
};
