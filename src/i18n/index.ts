// The UI's i18next instance: English and 简体中文 catalogs, started in the visitor's language
// (see language.ts), switched with setLanguage (remembered in localStorage, mirrored in <html lang>).

import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LOCALE, type Lang } from './catalog';
import { en } from './en';
import { initialLanguage, rememberLanguage } from './language';
import { zh } from './zh';

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, zh: { translation: zh } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: ['en', 'zh'],
  interpolation: { escapeValue: false }, // React escapes
  initAsync: false,
  returnNull: false,
});

function mirror(lang: Lang): void {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = LOCALE[lang];
  document.title = i18n.t('app.title');
}

mirror(currentLanguage());

export function currentLanguage(): Lang {
  return i18n.language === 'zh' ? 'zh' : 'en';
}

export function setLanguage(lang: Lang): void {
  rememberLanguage(lang);
  void i18n.changeLanguage(lang);
  mirror(lang);
}
