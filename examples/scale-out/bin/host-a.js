#!/usr/bin/env node
import '../dist/host-a.js';
