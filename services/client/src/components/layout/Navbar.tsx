import { useState } from 'react';
import { NavLink } from 'react-router';

import { paths } from '@/config/paths';
import { useSession } from '@/lib/session';

import { ThemeSwitch } from './ThemeSwitch';

const itemClass = ({ isActive }: { isActive: boolean }) => `navbar-item${isActive ? ' is-active' : ''}`;

export function Navbar({ title }: { title: string }) {
  const { isAuthenticated, isAdmin, status } = useSession();
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);

  return (
    <nav className="navbar is-dark" aria-label="main navigation">
      <div className="container">
        <div className="navbar-brand">
          <strong className="navbar-item">{title}</strong>
          <button
            type="button"
            className={`navbar-burger${open ? ' is-active' : ''}`}
            aria-label="Menu"
            aria-expanded={open}
            aria-controls="navbar-menu"
            onClick={() => setOpen((value) => !value)}
          >
            <span aria-hidden="true" />
            <span aria-hidden="true" />
            <span aria-hidden="true" />
            <span aria-hidden="true" />
          </button>
        </div>
        <div id="navbar-menu" className={`navbar-menu${open ? ' is-active' : ''}`}>
          <div className="navbar-start">
            <NavLink to={paths.home} end className={itemClass} onClick={close}>
              Home
            </NavLink>
            <NavLink to={paths.about} className={itemClass} onClick={close}>
              About
            </NavLink>
            {isAuthenticated && (
              <NavLink to={paths.items} className={itemClass} onClick={close}>
                Items
              </NavLink>
            )}
            {isAuthenticated && (
              <NavLink to={paths.status} className={itemClass} onClick={close}>
                User Status
              </NavLink>
            )}
            {isAdmin && (
              <NavLink to={paths.admin} className={itemClass} onClick={close}>
                Admin
              </NavLink>
            )}
          </div>
          <div className="navbar-end">
            {isAuthenticated && (
              <NavLink to={paths.settings} className={itemClass} onClick={close}>
                Settings
              </NavLink>
            )}
            {status === 'anonymous' && (
              <>
                <NavLink to={paths.register} className={itemClass} onClick={close}>
                  Register
                </NavLink>
                <NavLink to={paths.login} className={itemClass} onClick={close}>
                  Log In
                </NavLink>
              </>
            )}
            {isAuthenticated && (
              <NavLink to={paths.logout} className={itemClass} onClick={close}>
                Log Out
              </NavLink>
            )}
            <ThemeSwitch />
          </div>
        </div>
      </div>
    </nav>
  );
}
