import { describe, expect, it } from 'vitest';
import { initials } from './PresenceList.tsx';
import { participantsOf } from './usePresence.ts';

describe('who is here', () => {
  const states = new Map<number, unknown>([
    [3, { user: { name: 'Zoë', color: '#123456', role: 'stakeholder' } }],
    [1, { user: { name: 'Tom', color: '#654321', role: 'taskforce' } }],
    [7, { user: { name: 'Alice', color: '#abcdef', role: 'admin' } }],
    [9, {}],
  ]);

  it('lists you first, then everyone else by name', () => {
    expect(participantsOf(states, 1).map((x) => x.name)).toEqual(['Tom', 'Alice', 'Zoë']);
    expect(participantsOf(states, 1)[0]?.isSelf).toBe(true);
  });

  it('leaves out connections that show no person (the threads channel, a reader without presence)', () => {
    expect(participantsOf(states, 1).map((x) => x.clientId)).not.toContain(9);
  });

  it('does not believe a role or a name a peer made up', () => {
    const odd = new Map<number, unknown>([[5, { user: { name: 42, color: null, role: 'superuser' } }]]);
    expect(participantsOf(odd, 1)).toEqual([
      { clientId: 5, name: '', color: '#475467', role: undefined, isSelf: false },
    ]);
  });
});

describe('avatar initials', () => {
  it('takes the first letters of the first and last names', () => {
    expect(initials('alice de la Fontaine')).toBe('AF');
    expect(initials('  Tom  ')).toBe('T');
  });

  it('keeps a letter outside the basic plane whole', () => {
    expect(initials('𝒜lice Ωmega')).toBe('𝒜Ω');
  });

  it('is empty for a visitor without a name', () => {
    expect(initials('')).toBe('');
  });
});
