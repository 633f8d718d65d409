import type { CommentView, PersonView, VersionRef } from '../../../shared/threads.ts';
import type { CommentRecord, UserRecord } from '../storage/storage.ts';
import type { Stores } from '../storage/stores.ts';

// What threads and suggestions show alike: people, comments, the versions they were made on.

const GONE: PersonView = { id: '', name: '', role: 'visitor', organisation: null };

export function person(user: UserRecord | undefined): PersonView {
  if (!user) return GONE;
  return { id: user.id, name: user.name, role: user.role, organisation: user.organisation };
}

/** Looks up a draft's published versions by id, for the "made on version…" of contributions. */
export async function versionNames(
  storage: Pick<Stores, 'versions'>,
  draftId: string,
): Promise<(versionId: string | null | undefined) => VersionRef | null> {
  const names = new Map((await storage.versions.listVersions(draftId)).map((v) => [v.id, v.name]));
  return (versionId) => {
    const name = versionId ? names.get(versionId) : undefined;
    return versionId && name !== undefined ? { id: versionId, name } : null;
  };
}

/** Comments as clients see them, oldest first; a deleted one keeps its place without its words. */
export function commentViews(
  comments: CommentRecord[],
  personOf: (userId: string) => PersonView,
): CommentView[] {
  return [...comments]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((comment) => ({
      id: comment.id,
      author: personOf(comment.authorId),
      body: comment.deletedAt ? '' : comment.body,
      language: comment.language,
      createdAt: comment.createdAt,
      editedAt: comment.editedAt,
      deleted: comment.deletedAt !== null,
    }));
}

/** The newest published version of a draft, which new input is made on. */
export async function latestVersionId(
  storage: Pick<Stores, 'versions'>,
  draftId: string,
): Promise<string | null> {
  const versions = await storage.versions.listVersions(draftId);
  return versions[versions.length - 1]?.id ?? null;
}
