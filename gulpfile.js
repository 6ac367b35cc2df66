const { src, dest, parallel } = require('gulp');

// Icons are binary-safe only with encoding: false (gulp 5). Each node and credential gets
// the icons folder beside it, so `file:` paths resolve the same from dist as from source.
function copyIcons() {
	return src('icons/*.svg', { encoding: false }).pipe(dest('dist/icons'));
}

exports['build:icons'] = parallel(copyIcons);
