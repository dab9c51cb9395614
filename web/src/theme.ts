import { createTheme } from "@mantine/core";

/** One theme for the whole app: calm blue, system fonts, focus rings always visible on keyboard use. */
export const theme = createTheme({
  primaryColor: "indigo",
  primaryShade: { light: 7, dark: 5 },
  fontFamily:
    'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  headings: { fontWeight: "700" },
  defaultRadius: "md",
  focusRing: "auto",
  cursorType: "pointer",
  components: {
    Card: { defaultProps: { radius: "md" } },
    Tooltip: { defaultProps: { openDelay: 300 } },
  },
});
