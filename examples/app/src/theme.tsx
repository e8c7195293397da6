import { AppTheme } from '@backstage/core-plugin-api';
import {
  createUnifiedTheme,
  palettes,
  UnifiedThemeProvider,
} from '@backstage/theme';
import DarkIcon from '@material-ui/icons/Brightness2';
import LightIcon from '@material-ui/icons/WbSunny';

/**
 * Backstage's themes with a keyboard focus one can see (WCAG 2.4.7): the
 * default marks a focused button, tab or menu item with a background a few
 * shades darker only. An outline in the primary colour, for keyboard focus
 * (Material UI's focus-visible), not for clicks.
 */
function withFocusRing(palette: typeof palettes.light | typeof palettes.dark) {
  const ring = {
    outline: `2px solid ${palette.primary.main}`,
    outlineOffset: 2,
  };
  return createUnifiedTheme({
    palette,
    components: {
      MuiButtonBase: {
        styleOverrides: { root: { '&.Mui-focusVisible': ring } },
      },
      MuiLink: {
        styleOverrides: { root: { '&.Mui-focusVisible': ring } },
      },
      MuiInputBase: {
        styleOverrides: {
          root: { '&.Mui-focused': { outline: ring.outline } },
        },
      },
    },
  });
}

const light = withFocusRing(palettes.light);
const dark = withFocusRing(palettes.dark);

/** The app's themes: Backstage's light and dark, with the focus ring. */
export const appThemes: AppTheme[] = [
  {
    id: 'light',
    title: 'Light Theme',
    variant: 'light',
    icon: <LightIcon />,
    Provider: ({ children }) => (
      <UnifiedThemeProvider theme={light}>{children}</UnifiedThemeProvider>
    ),
  },
  {
    id: 'dark',
    title: 'Dark Theme',
    variant: 'dark',
    icon: <DarkIcon />,
    Provider: ({ children }) => (
      <UnifiedThemeProvider theme={dark}>{children}</UnifiedThemeProvider>
    ),
  },
];
