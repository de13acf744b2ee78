// Which page a hash path shows. Pages for signed-in users send others to the login first and back after.
import { useEffect, type ReactNode } from 'react';
import type { AppState } from './App.js';
import { useI18n } from './i18n.js';
import { AdminAgreementsPage } from './pages/admin/AdminAgreements.js';
import { AdminDevicesPage } from './pages/admin/AdminDevices.js';
import { AdminProductsPage } from './pages/admin/AdminProducts.js';
import { AdminReceiptsPage } from './pages/admin/AdminReceipts.js';
import { AdminSanctionsPage } from './pages/admin/AdminSanctions.js';
import { AdminHome } from './pages/admin/AdminShell.js';
import { AdminUsersPage } from './pages/admin/AdminUsers.js';
import { AgreementPage } from './pages/AgreementPage.js';
import { ChangeCardPage } from './pages/ChangeCardPage.js';
import { CardsPage } from './pages/CardsPage.js';
import { CitiesPage, LocationsPage, ProductsPage } from './pages/CataloguePages.js';
import { ControlPage } from './pages/ControlPage.js';
import { HomePage } from './pages/HomePage.js';
import { LoginPage } from './pages/LoginPage.js';
import { ProfilePage } from './pages/ProfilePage.js';
import { PurchasePage } from './pages/PurchasePage.js';
import { ReceiptPage, ReceiptsPage } from './pages/ReceiptPages.js';
import { SmsPage } from './pages/SmsPage.js';
import { WelcomeCard, WelcomePassword, WelcomeProfile } from './pages/WelcomePages.js';
import { navigate } from './router.js';
import { PageTitle } from './ui.js';

const NEXT_KEY = 'portal.next';

/** Where to go after signing in: the page that asked for it, else Home. */
export function afterSignIn() {
  const next = sessionStorage.getItem(NEXT_KEY);
  sessionStorage.removeItem(NEXT_KEY);
  navigate(next ?? '/');
}

function ToLogin({ path }: { path: string }) {
  useEffect(() => {
    sessionStorage.setItem(NEXT_KEY, path);
    navigate('/login');
  }, [path]);
  return null;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('notFound')}</PageTitle>
      <a href="#/">{t('home')}</a>
    </>
  );
}

export function routeTo(path: string, state: AppState, signedIn: boolean): ReactNode {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, a, b, c] = parts;
  const open: Record<string, () => ReactNode> = {
    login: () => <LoginPage />,
    sms: () => <SmsPage />,
    new: () =>
      c ? (
        signedIn ? (
          <PurchasePage state={state} cityId={a} locationId={b} productId={c} />
        ) : (
          <ToLogin path={path} />
        )
      ) : b ? (
        <ProductsPage cityId={a} locationId={b} />
      ) : a ? (
        <LocationsPage cityId={a} />
      ) : (
        <CitiesPage />
      ),
  };
  if (first in open) return open[first]();
  if (!signedIn) return <ToLogin path={path} />;
  switch (first) {
    case undefined:
      return <HomePage />;
    case 'welcome':
      if (a === 'password') return <WelcomePassword />;
      if (a === 'card') return <WelcomeCard />;
      if (a === 'profile') return <WelcomeProfile state={state} />;
      break;
    case 'agreements':
      if (a && b === 'card') return <ChangeCardPage id={a} />;
      if (a && !b) return <AgreementPage id={a} />;
      break;
    case 'receipts':
      return a ? <ReceiptPage id={a} operator={state.operator} /> : <ReceiptsPage />;
    case 'admin':
      // The console («Administrasjon»); each page checks the role itself and refuses the others.
      switch (a) {
        case undefined:
          return <AdminHome state={state} />;
        case 'agreements':
          return <AdminAgreementsPage state={state} id={b} />;
        case 'products':
          return <AdminProductsPage state={state} />;
        case 'receipts':
          return <AdminReceiptsPage state={state} />;
        case 'devices':
          return <AdminDevicesPage state={state} />;
        case 'users':
          return <AdminUsersPage state={state} />;
        case 'sanctions':
          return <AdminSanctionsPage state={state} />;
      }
      break;
    case 'cards':
      return <CardsPage />;
    case 'profile':
      return <ProfilePage state={state} />;
    case 'control':
      return <ControlPage state={state} />;
  }
  return <NotFound />;
}
