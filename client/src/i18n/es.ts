import type { Messages } from './en.ts';

export const es: Messages = {
  app: {
    name: 'Margins',
    tagline: 'Borradores abiertos a consulta',
    skipToContent: 'Ir al contenido',
    language: 'Idioma',
  },
  drafts: {
    heading: 'Borradores',
    intro: 'Lea un borrador, vea quién más está aquí y trabajen juntos en tiempo real.',
    loading: 'Cargando borradores…',
    loadFailed: 'No se pudo cargar la lista de borradores. Compruebe su conexión e inténtelo de nuevo.',
    retry: 'Reintentar',
    empty: 'Todavía no hay borradores.',
    updated: 'Actualizado el {{date}}',
    open: 'Abrir',
    languageOf: 'Escrito en {{language}}',
  },
  draft: {
    loading: 'Abriendo el borrador…',
    notFound: 'Este borrador no existe o fue retirado.',
    backToList: 'Todos los borradores',
    outline: 'Índice',
    noHeadings: 'Este borrador aún no tiene títulos.',
    editorLabel: 'Texto del borrador',
    marginLabel: 'Comentarios y sugerencias',
    marginPlaceholder:
      'Los comentarios y las ediciones sugeridas aparecerán aquí, junto al pasaje al que se refieren.',
    loadFailed: 'No se pudo abrir el borrador. Compruebe su conexión e inténtelo de nuevo.',
  },
  connection: {
    connected: 'Conectado',
    connecting: 'Conectando…',
    reconnecting: 'Reconectando…',
    offline: 'Sin conexión: sus cambios se conservan y se enviarán cuando vuelva la conexión',
    label: 'Estado de la conexión',
    refused: 'El servidor cerró la conexión con este borrador. Recargue la página para volver a intentarlo.',
    reload: 'Recargar',
  },
  presence: {
    heading: 'Aquí ahora',
    count_one: '{{count}} persona aquí',
    count_other: '{{count}} personas aquí',
    you: '{{name}} (usted)',
    yourName: 'Su nombre',
    guest: 'Invitado {{number}}',
  },
  languages: {
    en: 'inglés',
    fr: 'francés',
    es: 'español',
  },
};
