/** English: the reference catalogue. Every other language must have exactly these keys. */
export const en = {
  app: {
    name: 'Margins',
    tagline: 'Drafts open for consultation',
    skipToContent: 'Skip to content',
    language: 'Language',
  },
  drafts: {
    heading: 'Drafts',
    intro: 'Read a draft, see who else is here, and work on it together in real time.',
    loading: 'Loading drafts…',
    loadFailed: 'The list of drafts could not be loaded. Check your connection and try again.',
    retry: 'Try again',
    empty: 'There are no drafts yet.',
    updated: 'Updated {{date}}',
    open: 'Open',
    languageOf: 'Written in {{language}}',
  },
  draft: {
    loading: 'Opening the draft…',
    notFound: 'This draft does not exist, or it was removed.',
    backToList: 'All drafts',
    outline: 'Contents',
    noHeadings: 'This draft has no headings yet.',
    editorLabel: 'Draft text',
    marginLabel: 'Comments and suggestions',
    marginPlaceholder: 'Comments and suggested edits will appear here, beside the passage they refer to.',
    loadFailed: 'The draft could not be opened. Check your connection and try again.',
  },
  connection: {
    connected: 'Connected',
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting…',
    offline: 'Offline — your edits are kept and will be sent when the connection returns',
    label: 'Connection status',
    refused: 'The server closed the connection to this draft. Reload the page to try again.',
    reload: 'Reload',
  },
  presence: {
    heading: 'Here now',
    count_one: '{{count}} person here',
    count_other: '{{count}} people here',
    you: '{{name}} (you)',
    yourName: 'Your name',
    guest: 'Guest {{number}}',
  },
  languages: {
    en: 'English',
    fr: 'French',
    es: 'Spanish',
  },
};

/** The shape every catalogue must have. */
type Catalogue<T> = { [K in keyof T]: T[K] extends string ? string : Catalogue<T[K]> };
export type Messages = Catalogue<typeof en>;
