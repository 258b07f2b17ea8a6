"""What every feature uses: base mixins, clock, rendering, permissions, audit, errors."""
