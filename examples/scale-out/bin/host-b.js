#!/usr/bin/env node
import '../dist/host-b.js';
