/**
 * Who "you" are until accounts exist: a name and a caret colour kept in this browser. The name
 * is shown to others beside your caret and in the presence list.
 */
export interface LocalUser {
  name: string;
  color: string;
}

const STORAGE_KEY = 'margins.user';

/** Caret colours with enough contrast against white text labels. */
export const CARET_COLORS = [
  '#b42318',
  '#b54708',
  '#067647',
  '#0e7090',
  '#175cd3',
  '#6941c6',
  '#c11574',
  '#475467',
];

export function loadLocalUser(defaultName: (number: number) => string): LocalUser {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<LocalUser> | null;
    if (stored && typeof stored.name === 'string' && typeof stored.color === 'string') {
      return { name: stored.name, color: stored.color };
    }
  } catch {
    // A corrupt entry is replaced below.
  }
  const user = {
    name: defaultName(Math.floor(100 + Math.random() * 900)),
    color: CARET_COLORS[Math.floor(Math.random() * CARET_COLORS.length)] ?? '#175cd3',
  };
  saveLocalUser(user);
  return user;
}

export function saveLocalUser(user: LocalUser): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(user));
}

/** Longest display name accepted, so a label never covers a paragraph. */
export const MAX_NAME_LENGTH = 40;
