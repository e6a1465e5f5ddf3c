package shared

// Colours of the app outside its pages: the browser's toolbar
// (<meta name="theme-color"> and the manifest's theme_color) and the
// splash screen of the installed app (background_color), for the light
// and the dark theme. They match app.css: the brand colour and --bg in
// the light theme, --surface and --bg in the dark one.
const (
	ThemeColorLight      = "#3451b2"
	ThemeColorDark       = "#161b2d"
	BackgroundColorLight = "#f5f7fb"
	BackgroundColorDark  = "#0e1220"
)
