import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublicUser } from '../../../shared/auth.ts';
import { ACCOUNT_ROLES, type AccountRole } from '../../../shared/roles.ts';
import { changeRole, fetchPeople } from '../api/accounts.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';

/** Everyone with an account, and their role (changes apply to open sessions within seconds). */
export function PeoplePanel() {
  const { t } = useTranslation();
  const [people, setPeople] = useState<PublicUser[]>([]);
  const [error, setError] = useState<unknown>();
  const load = useCallback(() => {
    fetchPeople().then(setPeople, setError);
  }, []);
  useEffect(load, [load]);

  const update = async (person: PublicUser, role: AccountRole) => {
    setError(undefined);
    try {
      const updated = await changeRole(person.id, role);
      setPeople((list) => list.map((p) => (p.id === updated.id ? updated : p)));
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section className="panel" aria-labelledby="people-heading">
      <h2 id="people-heading" className="section-title">
        {t('admin.people')}
      </h2>
      <ErrorNotice error={error} />
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('auth.name')}</th>
              <th scope="col">{t('auth.email')}</th>
              <th scope="col">{t('auth.organisation')}</th>
              <th scope="col">{t('admin.role')}</th>
            </tr>
          </thead>
          <tbody>
            {people.map((person) => (
              <tr key={person.id}>
                <td>{person.name}</td>
                <td>{person.email}</td>
                <td>{person.organisation ?? '—'}</td>
                <td>
                  <select
                    className="select"
                    aria-label={t('admin.roleOf', { name: person.name })}
                    value={person.role}
                    onChange={(event) => void update(person, event.target.value as AccountRole)}
                  >
                    {ACCOUNT_ROLES.map((role) => (
                      <option key={role} value={role}>
                        {t(`roles.${role}`)}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
