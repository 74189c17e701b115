import 'reflect-metadata';
import {
  Controller,
  Get,
  HttpException,
  Injectable,
  Module,
  OnModuleDestroy,
  Param,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { intEnv, rfc3339, stopOnSignal, timestampOf, UUID_PATTERN } from './common';
import { UserStore } from './user-store';

/**
 * Stock NestJS 11 baseline of the cached `GET /users/{id}`: one controller on
 * @nestjs/platform-fastify as the Nest docs write it (no guards, pipes, interceptors or filters
 * beyond Nest's defaults, no logging or metrics), the same cache-aside through `UserStore` and the
 * same JSON body as the other baselines. What Nest itself costs, before any toolkit plumbing.
 */

@Injectable()
class UsersRepository extends UserStore implements OnModuleDestroy {
  onModuleDestroy(): Promise<void> {
    return this.close();
  }
}

@Controller()
class UsersController {
  constructor(private readonly users: UsersRepository) {}

  @Get('_healthz/readiness')
  readiness(): { status: string } {
    return { status: 'ok' };
  }

  @Get('users/:user_id')
  async getUser(@Param('user_id') id: string): Promise<unknown> {
    if (!UUID_PATTERN.test(id)) {
      throw new HttpException(
        { code: 'INVALID_ARGUMENT', message: 'user_id: must be a UUID', details: [] },
        400,
      );
    }
    const user = await this.users.find(id.toLowerCase());
    if (!user) {
      throw new HttpException(
        { code: 'NOT_FOUND', message: `user ${id} not found`, details: [] },
        404,
      );
    }
    return {
      user: {
        user_id: user.id,
        name: user.name,
        email: user.email,
        created_at: rfc3339(timestampOf(user.createdAt)),
        updated_at: rfc3339(timestampOf(user.updatedAt)),
      },
    };
  }
}

@Module({ controllers: [UsersController], providers: [UsersRepository] })
class BenchModule {}

async function start(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BenchModule, new FastifyAdapter(), {
    logger: ['error', 'warn'],
  });
  stopOnSignal(() => app.close());
  await app.listen(intEnv('BENCH_PORT', 0), '127.0.0.1');
}

start().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
