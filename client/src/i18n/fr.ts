import type { Messages } from './en.ts';

export const fr: Messages = {
  app: {
    name: 'Margins',
    tagline: 'Projets ouverts à la consultation',
    skipToContent: 'Aller au contenu',
    language: 'Langue',
  },
  drafts: {
    heading: 'Projets',
    intro: 'Lisez un projet, voyez qui est là et travaillez-y ensemble en temps réel.',
    loading: 'Chargement des projets…',
    loadFailed: 'La liste des projets n’a pas pu être chargée. Vérifiez votre connexion et réessayez.',
    retry: 'Réessayer',
    empty: 'Il n’y a encore aucun projet.',
    updated: 'Mis à jour le {{date}}',
    open: 'Ouvrir',
    languageOf: 'Rédigé en {{language}}',
  },
  draft: {
    loading: 'Ouverture du projet…',
    notFound: 'Ce projet n’existe pas ou a été retiré.',
    backToList: 'Tous les projets',
    outline: 'Sommaire',
    noHeadings: 'Ce projet n’a pas encore de titres.',
    editorLabel: 'Texte du projet',
    marginLabel: 'Commentaires et suggestions',
    marginPlaceholder:
      'Les commentaires et les modifications proposées apparaîtront ici, à côté du passage concerné.',
    loadFailed: 'Le projet n’a pas pu être ouvert. Vérifiez votre connexion et réessayez.',
  },
  connection: {
    connected: 'Connecté',
    connecting: 'Connexion…',
    reconnecting: 'Reconnexion…',
    offline: 'Hors ligne — vos modifications sont conservées et seront envoyées au retour de la connexion',
    label: 'État de la connexion',
    refused: 'Le serveur a fermé la connexion à ce projet. Rechargez la page pour réessayer.',
    reload: 'Recharger',
  },
  presence: {
    heading: 'Présents',
    count_one: '{{count}} personne présente',
    count_other: '{{count}} personnes présentes',
    you: '{{name}} (vous)',
    yourName: 'Votre nom',
    guest: 'Invité {{number}}',
  },
  languages: {
    en: 'anglais',
    fr: 'français',
    es: 'espagnol',
  },
};
