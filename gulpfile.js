const { src, dest, parallel } = require('gulp');

// gulp 5 corrupts binary files unless encoding is false; every stream is returned.
function copyIcons() {
	return src('icons/*.svg', { encoding: false }).pipe(dest('dist/icons'));
}

// n8n reads a node's codex file (X.node.json) from beside the compiled node.
function copyCodex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

exports['build:icons'] = parallel(copyIcons, copyCodex);
exports.default = exports['build:icons'];
